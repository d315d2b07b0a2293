"""The fleet console's pages, login and audit (console-web).

`create_blueprint(store)` gives the Flask blueprint console.app mounts at `/`; `cli.add_user`
is the `console add-user` command. Templates and the one style sheet live beside this file.
"""

from console.web.views import create_blueprint

__all__ = ["create_blueprint"]
