package dev.fwatchdog.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallFilesTest {

    @TempDir
    Path dir;

    private static BasicFileAttributes stat(Path file) throws Exception {
        return Files.readAttributes(file, BasicFileAttributes.class);
    }

    @Test
    void aChangedFileIsReadAgain() throws Exception {
        SmallFiles files = new SmallFiles();
        Path page = Files.writeString(dir.resolve("page.html"), "one");
        assertEquals("one", files.bytes(page, stat(page)).toString());
        Files.writeString(page, "two");
        // same size: the modification time tells
        Files.setLastModifiedTime(page, FileTime.fromMillis(stat(page).lastModifiedTime().toMillis() + 2000));
        assertEquals("two", files.bytes(page, stat(page)).toString());
        Files.writeString(page, "three");
        assertEquals("three", files.bytes(page, stat(page)).toString());
    }

    @Test
    void bigFilesAndFilesBeyondTheBudgetAreNotKept() throws Exception {
        SmallFiles files = new SmallFiles(100_000);
        Path big = Files.write(dir.resolve("big.bin"), new byte[SmallFiles.MAX_FILE_BYTES + 1]);
        assertNull(files.bytes(big, stat(big)));
        Path first = Files.write(dir.resolve("first.bin"), new byte[60_000]);
        Path second = Files.write(dir.resolve("second.bin"), new byte[60_000]);
        assertEquals(60_000, files.bytes(first, stat(first)).length());
        assertNull(files.bytes(second, stat(second)), "over the 100,000-byte budget");
        // a kept file that shrinks frees its share
        Files.write(first, new byte[10_000]);
        assertEquals(10_000, files.bytes(first, stat(first)).length());
        assertEquals(60_000, files.bytes(second, stat(second)).length());
    }
}
