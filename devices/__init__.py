"""Device drivers, one package per kind: interface, wire codec, real backends, simulator. No Qt."""
