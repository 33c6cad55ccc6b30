package dev.fwatchdog.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;

/** Whether the watchdog takes new work. It stops the moment shutdown begins, so health turns 503 at once. */
@ApplicationScoped
public class Serving {

    private volatile boolean accepting = true;

    public boolean accepting() {
        return accepting;
    }

    public void stopAccepting() {
        accepting = false;
    }
}
