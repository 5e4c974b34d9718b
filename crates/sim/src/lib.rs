//! Emulators of a PortSIP PBX and of the Microsoft cloud (identity platform + Graph), on loopback.
