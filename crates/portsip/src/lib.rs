//! Typed async client of the PortSIP PBX REST API (the subset pbx365 needs).
