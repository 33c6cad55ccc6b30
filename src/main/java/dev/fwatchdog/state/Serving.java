package dev.fwatchdog.state;

import jakarta.inject.Singleton;

/**
 * Where the watchdog is in its life. Healthy until shutdown begins (health and ready turn 503 at once); function calls
 * are still taken for healthcheck_interval after that, so that Kubernetes can stop routing to us first.
 */
@Singleton
public class Serving {

    private volatile boolean healthy = true;
    private volatile boolean takingCalls = true;

    public boolean healthy() {
        return healthy;
    }

    public boolean takingCalls() {
        return takingCalls;
    }

    /** Shutdown has begun: health says so, calls are still served. */
    public void reportUnhealthy() {
        healthy = false;
    }

    /** The end of healthcheck_interval (or a dead function server): new calls are turned away. */
    public void stopTakingCalls() {
        healthy = false;
        takingCalls = false;
    }
}
