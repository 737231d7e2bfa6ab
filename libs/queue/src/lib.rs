//! Job and event queue trait with the in-process implementation
