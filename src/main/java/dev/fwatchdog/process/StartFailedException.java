package dev.fwatchdog.process;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The program of fprocess could not be started; the message reads as Go's exec errors in of-watchdog. */
public final class StartFailedException extends RuntimeException {

    private static final int ENOENT = 2;
    private static final Pattern JDK_ERROR = Pattern.compile("error=(\\d+), (.*)|error: (\\d+) \\((.*)\\)");

    /**
     * @param errno  what the start failed with
     * @param reason the C library's text for it ("Argument list too long")
     */
    StartFailedException(String program, int errno, String reason, Throwable cause) {
        super(describe(program, errno, reason), cause);
    }

    /**
     * The JDK says {@code Cannot run program "x": error=2, No such file or directory} (17) or {@code Cannot run
     * program "x": Exec failed, error: 2 (No such file or directory)} (25): the errno and the text are taken from
     * there.
     */
    static StartFailedException fromJdk(String program, IOException cause) {
        String message = String.valueOf(cause.getMessage());
        Matcher found = JDK_ERROR.matcher(message);
        if (!found.find()) {
            return new StartFailedException(program, -1, message, cause);
        }
        String reason = found.group(2) != null ? found.group(2) : found.group(4);
        int errno = Integer.parseInt(found.group(1) != null ? found.group(1) : found.group(3));
        return new StartFailedException(program, errno, reason.trim(), cause);
    }

    /**
     * Only a missing program is "not found": a request whose headers make the environment too big for exec (E2BIG, a
     * value over 128 KiB) is {@code fork/exec x: argument list too long}, as Go puts it.
     */
    private static String describe(String program, int errno, String reason) {
        if (errno == ENOENT) {
            return "exec: \"" + program + "\": executable file not found in $PATH";
        }
        if (errno < 0 || reason.isEmpty()) {
            return "fork/exec " + program + ": " + reason;
        }
        return "fork/exec " + program + ": " + Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
