package dev.fwatchdog.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens that passed every check, remembered until they expire, so that a caller presenting the same token again
 * (the usual case: tokens live for minutes) costs a map lookup instead of a signature verification. Only the exact
 * token string that was verified is remembered; its expiry is checked on every use with the same 1 s leeway, and
 * the whole memory is dropped when the issuer's keys change (a withdrawn key must stop working). Bounded: when it
 * is full it starts again empty.
 */
final class VerifiedTokens {

    static final int MAX = 10_000;
    private static final long LEEWAY_SECONDS = 1;

    private final Map<String, Long> expiries = new ConcurrentHashMap<>();

    boolean contains(String token) {
        Long expiry = expiries.get(token);
        if (expiry == null) {
            return false;
        }
        if (System.currentTimeMillis() / 1000 > expiry + LEEWAY_SECONDS) {
            expiries.remove(token);
            return false;
        }
        return true;
    }

    /** {@code expiry} in epoch seconds, as the token's {@code exp} claim. */
    void remember(String token, long expiry) {
        if (expiries.size() >= MAX) {
            expiries.clear();
        }
        expiries.put(token, expiry);
    }

    void forgetAll() {
        expiries.clear();
    }
}
