package dev.fwatchdog.mode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import dev.fwatchdog.config.Settings;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * static: the files under static_path (WATCHDOG.md 4.5), served by Vert.x Web's StaticHandler: index.html for
 * directories, Content-Type by extension, Last-Modified with 304s, ranges, no listing, no hidden files. We add a
 * weak ETag (and its 304), and refuse a path whose real location, after symlinks, is outside the root (StaticHandler
 * only keeps {@code ..} inside it). The file checks are a stat or two on the event loop, as StaticHandler's own are.
 */
@ApplicationScoped
@LookupIfProperty(name = "watchdog.mode", stringValue = "static")
public class StaticMode implements FunctionMode {

    @Inject
    Settings settings;

    private Path root;
    private StaticHandler files;

    @PostConstruct
    void init() {
        try {
            root = settings.staticPath().toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("static_path " + settings.staticPath() + " cannot be read", e);
        }
        files = StaticHandler.create(FileSystemAccess.ROOT, root.toString())
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setIndexPage("index.html")
                .setCachingEnabled(true)
                .setEnableRangeSupport(true);
    }

    @Override
    public void handle(RoutingContext ctx) {
        // Nothing to read from the request; a paused one would hold the connection.
        ctx.request().resume();
        Path asked = root.resolve(ctx.normalizedPath().replaceFirst("^/+", "")).normalize();
        Path file = Files.isDirectory(asked) ? asked.resolve("index.html") : asked;
        if (leavesTheRoot(asked) || leavesTheRoot(file)) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        String etag = etag(file);
        if (etag != null) {
            if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
                ctx.response().setStatusCode(304).putHeader(HttpHeaders.ETAG, etag).end();
                return;
            }
            ctx.response().putHeader(HttpHeaders.ETAG, etag);
        }
        files.handle(ctx);
    }

    /** True when the path is, or really is through a symlink, somewhere outside static_path. */
    private boolean leavesTheRoot(Path path) {
        if (!path.startsWith(root)) {
            return true;
        }
        try {
            return Files.exists(path) && !path.toRealPath().startsWith(root);
        } catch (IOException unreadable) {
            return true;
        }
    }

    /** A weak validator from size and modification time (StaticHandler sends Last-Modified but no ETag). */
    private static String etag(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            return "W/\"" + Long.toHexString(attributes.size()) + "-"
                    + Long.toHexString(attributes.lastModifiedTime().toMillis()) + "\"";
        } catch (IOException missing) {
            return null;
        }
    }
}
