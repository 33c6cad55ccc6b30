package dev.fwatchdog.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * The raw settings, as text. application.properties maps every of-watchdog environment variable (and its alias) onto
 * these names, so precedence and defaults are written in one place. Values stay strings here because the watchdog, not
 * SmallRye Config, must reject a bad value with one line in its own words: {@link Settings} parses them.
 */
@ConfigMapping(prefix = "watchdog")
public interface WatchdogConfig {

    Optional<String> mode();

    Optional<String> functionProcess();

    Optional<String> port();

    Optional<String> metricsPort();

    Optional<String> upstreamUrl();

    Optional<String> readTimeout();

    Optional<String> writeTimeout();

    Optional<String> execTimeout();

    Optional<String> healthcheckInterval();

    Optional<String> contentType();

    Optional<String> staticPath();

    Optional<String> staticSpa();

    Optional<String> staticCacheControl();

    Optional<String> suppressLock();

    Optional<String> httpBufferReqBody();

    /** The deprecated alias of http_buffer_req_body: either one set to true turns buffering on. */
    Optional<String> bufferHttp();

    Optional<String> maxInflight();

    Optional<String> afterburnWorkers();

    Optional<String> prefixLogs();

    Optional<String> logBufferSize();

    Optional<String> logCallid();

    Optional<String> logFormat();

    Optional<String> jwtAuthIssuerUrl();

    Optional<String> functionName();

    Optional<String> functionNamespace();

    Optional<String> readyPath();

    Optional<String> jwtAuth();

    Optional<String> jwtAuthDebug();

    Optional<String> jwtAuthLocal();

    Optional<String> lockDir();

    Optional<String> spawnThroughJdk();
}
