package dev.fwatchdog.mode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.fwatchdog.config.Settings;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.MimeMapping;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.impl.Utils;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * static: the files under static_path (WATCHDOG.md 4.5), served by Vert.x Web's StaticHandler: index.html for
 * directories, Content-Type by extension, Last-Modified with 304s, ranges, no listing, no hidden files. We add a
 * weak ETag (and its 304), and refuse a path whose real location, after symlinks, is outside the root (StaticHandler
 * only keeps {@code ..} inside it). The file checks are a stat or two on the event loop, as StaticHandler's own are.
 * Small files are answered from memory ({@link SmallFiles}) when the request is a plain whole read.
 */
@Singleton
@LookupIfProperty(name = "watchdog.mode", stringValue = "static")
public class StaticMode implements FunctionMode {

    @Inject
    Settings settings;

    /** Paths already checked to be regular files inside the root: resolving symlinks costs a syscall a component. */
    private static final int CONFINED_MAX = 10_000;

    private static final String INDEX = "index.html";

    private final Map<String, Path> confined = new ConcurrentHashMap<>();
    private final SmallFiles smallFiles = new SmallFiles();
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
                .setIndexPage(INDEX)
                .setCachingEnabled(true)
                .setEnableRangeSupport(true);
    }

    @Override
    public void handle(Call call) {
        RoutingContext ctx = call.ctx();
        // Nothing to read from the request; a paused one would hold the connection.
        ctx.request().resume();
        String path = ctx.request().path();
        if (path.endsWith("/" + INDEX)) {
            redirect(ctx, "./");
            return;
        }
        // by the path as asked for: "/sub" and "/sub/" normalize alike, but only one of them is redirected
        Path file = confined.get(path);
        if (file == null) {
            Path asked = root.resolve(ctx.normalizedPath().replaceFirst("^/+", "")).normalize();
            boolean directory = Files.isDirectory(asked);
            file = directory ? asked.resolve(INDEX) : asked;
            if (leavesTheRoot(asked) || leavesTheRoot(file)) {
                ctx.response().setStatusCode(404).end();
                return;
            }
            if (directory && !path.endsWith("/")) {
                redirect(ctx, path.substring(path.lastIndexOf('/') + 1) + "/");
                return;
            }
            remember(path, file);
        }
        // Replaces StaticHandler's own "public, immutable, max-age=86400" just before the headers go out. A file's
        // answer is written from here without waiting on anything: the max_inflight place is free.
        ctx.addHeadersEndHandler(sending -> {
            call.ending();
            MultiMap headers = ctx.response().headers();
            headers.remove(HttpHeaders.CACHE_CONTROL);
            settings.staticCacheControl().ifPresent(value -> headers.set(HttpHeaders.CACHE_CONTROL, value));
        });
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null && settings.staticSpa() && accepts(ctx, "text/html")) {
            // A single-page app routes in the browser: unknown paths get the app itself.
            send(ctx, root.resolve(INDEX), "text/html;charset=UTF-8", null);
            return;
        }
        if (attributes == null) {
            files.handle(ctx);
            return;
        }
        String etag = "W/\"" + Long.toHexString(attributes.size()) + "-"
                + Long.toHexString(attributes.lastModifiedTime().toMillis()) + "\"";
        ctx.response().putHeader(HttpHeaders.ETAG, etag);
        if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            ctx.response().setStatusCode(304).end();
            return;
        }
        Path gzipped = file.resolveSibling(file.getFileName() + ".gz");
        if (ctx.request().getHeader("Range") == null && accepts(ctx, "gzip", HttpHeaders.ACCEPT_ENCODING)
                && attributes(gzipped) != null && !leavesTheRoot(gzipped)) {
            send(ctx, gzipped, MimeMapping.getMimeTypeForFilename(file.getFileName().toString()), "gzip");
            return;
        }
        if (isPlainRead(ctx)) {
            Buffer bytes = smallFiles.bytes(file, attributes);
            if (bytes != null) {
                sendKept(ctx, file, attributes, bytes);
                return;
            }
        }
        files.handle(ctx);
    }

    /**
     * As Go's http.FileServer: a directory without its trailing slash, so that the relative links of its index.html
     * resolve, and an index.html asked for by name, to its directory. The Location is relative to the request's own
     * path (with its query), so no request can make it point to another site.
     */
    private static void redirect(RoutingContext ctx, String relative) {
        String query = ctx.request().query();
        ctx.response().setStatusCode(301)
                .putHeader(HttpHeaders.LOCATION, query == null || query.isEmpty() ? relative : relative + "?" + query)
                .end();
    }

    /**
     * A whole, unconditional GET or HEAD of a file that is not hidden: what a kept small file can answer without
     * StaticHandler (which refuses hidden paths, those with a segment starting with a dot).
     */
    private static boolean isPlainRead(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpMethod method = request.method();
        return (method == HttpMethod.GET || method == HttpMethod.HEAD) && request.getHeader("Range") == null
                && request.getHeader(HttpHeaders.IF_MODIFIED_SINCE) == null && !ctx.normalizedPath().contains("/.");
    }

    /** A small file from memory, with the headers StaticHandler would have sent for it. */
    private static void sendKept(RoutingContext ctx, Path file, BasicFileAttributes attributes, Buffer bytes) {
        HttpServerResponse response = ctx.response();
        String contentType = MimeMapping.getMimeTypeForFilename(file.getFileName().toString());
        if (contentType != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE,
                    contentType.startsWith("text") ? contentType + ";charset=UTF-8" : contentType);
        }
        response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
                .putHeader(HttpHeaders.LAST_MODIFIED, Utils.formatRFC1123DateTime(attributes.lastModifiedTime().toMillis()))
                .putHeader(HttpHeaders.DATE, Utils.formatRFC1123DateTime(System.currentTimeMillis()));
        if (ctx.request().headers().contains(HttpHeaders.ACCEPT_ENCODING)) {
            response.putHeader(HttpHeaders.VARY, "accept-encoding");
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length())).end();
        } else {
            response.end(bytes);
        }
    }

    private static boolean accepts(RoutingContext ctx, String value) {
        return accepts(ctx, value, HttpHeaders.ACCEPT);
    }

    private static boolean accepts(RoutingContext ctx, String value, CharSequence header) {
        String accepted = ctx.request().getHeader(header);
        return accepted != null && accepted.contains(value);
    }

    /** A file StaticHandler does not serve as such: the SPA's index, or a precompressed copy. */
    private static void send(RoutingContext ctx, Path file, String contentType, String encoding) {
        var response = ctx.response().putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (contentType != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        }
        if (encoding != null) {
            response.putHeader(HttpHeaders.CONTENT_ENCODING, encoding);
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(file.toFile().length())).end();
        } else {
            response.sendFile(file.toString());
        }
    }

    /** A regular file's attributes, or null when there is none. */
    private static BasicFileAttributes attributes(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? attributes : null;
        } catch (IOException missing) {
            return null;
        }
    }

    /**
     * Only files that exist are remembered (a path that does not exist yet could later appear as a symlink out of
     * the root); function images' files do not change while the watchdog runs.
     */
    private void remember(String path, Path file) {
        if (Files.isRegularFile(file)) {
            if (confined.size() >= CONFINED_MAX) {
                confined.clear();
            }
            confined.put(path, file);
        }
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
}
