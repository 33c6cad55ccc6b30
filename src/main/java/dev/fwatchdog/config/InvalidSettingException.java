package dev.fwatchdog.config;

/**
 * A setting the watchdog cannot start with. The message is the single line printed on stderr before exit code 1, so it
 * names the variable, the value it got and what it accepts.
 */
public class InvalidSettingException extends RuntimeException {

    public InvalidSettingException(String message) {
        super(message, null, false, false);
    }

    public static InvalidSettingException of(String variable, String value, String wanted) {
        return new InvalidSettingException("invalid " + variable + " \"" + value + "\": want " + wanted);
    }
}
