"""The exerciser: the real kiosk, offscreen, pressed at random like a newcomer, checked at every step.

`python main.py exercise --seed N --taps N [--size 1080x1920|1920x1080] [--large-text] [--agent]
[--json] [--trace]` runs the demo station (pty ID-reader and printer simulators, simulated cameras,
the reference platform on loopback behind a network switch, the session on a virtual clock) and
for N steps presses a visible, enabled control — anything a finger can reach: the top bar, keys,
options, tiles, the signature pad — or lets something happen to the station: a card placed or
lifted, a device unplugged or plugged back, the network down or up, idle time passing to the
warning and to the wipe. After every step it checks the invariants listed in `runner`. With
`--json` it prints one object last:

    {"seed", "taps", "screens_total", "screens_visited", "transitions", "saved", "delivered",
     "violations": [{"step", "kind", "screen", "detail"}], "seconds", "taps_per_second"}

A violation's detail ends with the arguments that replay it. `exercise --self-test --json` plants
each kind of fault (`plants`) and prints `{"planted": {kind: "caught" | "missed"}}`.

Why a package of its own in the UI room: it drives Qt (touch, the QML tree) and only the UI room
may; it is product code, not a test helper, because a technician can run it on a station image
before it ships. Parts: `station` (the demo composition with the network switch and the virtual
clock), `touch` (what a finger can reach, pressing, settling), `observe` (what a person notices,
layouts, ways out, strings left after a wipe), `policy` (what to press next), `runner` (the loop
and the invariants), `plants` (the self-test), `command` (the command line).
"""
