package dev.fwatchdog.auth;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code function} claim of an OpenFaaS token: {@code {"permissions": [...], "audience": [...]}}, patterns over
 * {@code <namespace>:<name>} where {@code *} stands for any run of characters. Patterns are anchored: {@code fn:echo}
 * grants {@code fn:echo} only, never {@code openfaas-fn:echo-2} (of-watchdog matches substrings).
 */
record Permissions(List<String> permissions, List<String> audience) {

    /** Permissions must grant the function; an empty audience grants every caller, else it must name it too. */
    boolean grant(String function) {
        return anyMatches(permissions, function) && (audience.isEmpty() || anyMatches(audience, function));
    }

    private static boolean anyMatches(List<String> patterns, String function) {
        for (String pattern : patterns) {
            if (matches(pattern, function)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String pattern, String function) {
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(function);
        }
        String regex = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
        return Pattern.matches(regex, function);
    }
}
