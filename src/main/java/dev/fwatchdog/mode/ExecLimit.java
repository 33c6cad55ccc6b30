package dev.fwatchdog.mode;

import java.time.Duration;

import dev.fwatchdog.config.Durations;
import io.vertx.core.http.HttpServerRequest;

/** How long a call may take the function (http and afterburn modes, WATCHDOG.md 4.4 and 4.6). */
final class ExecLimit {

    private ExecLimit() {
    }

    /**
     * exec_timeout, shortened (never lengthened) by an X-Timeout header; zero means none. Only Go durations count
     * there ("2s"): of-watchdog ignores a bare number, and so does this.
     */
    static Duration of(Duration execTimeout, HttpServerRequest request) {
        String header = request.getHeader("X-Timeout");
        Duration asked = header == null ? Duration.ZERO : Durations.goDuration(header.trim()).orElse(Duration.ZERO);
        return !asked.isZero() && (execTimeout.isZero() || asked.compareTo(execTimeout) < 0) ? asked : execTimeout;
    }
}
