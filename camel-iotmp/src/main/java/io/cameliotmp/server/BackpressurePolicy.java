package io.cameliotmp.server;

/** What the server does with a device whose handled-but-unfinished work reached the in-flight bound. */
public enum BackpressurePolicy {

    /** Stop reading the device's socket until work drains; TCP then slows the device down. Nothing is lost. */
    PAUSE,

    /** Keep reading; drop stream samples beyond the bound (counted) and pause only for requests. */
    DROP_SAMPLES
}
