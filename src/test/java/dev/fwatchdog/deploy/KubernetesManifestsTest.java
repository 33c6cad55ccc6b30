package dev.fwatchdog.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.fwatchdog.config.Durations;
import dev.fwatchdog.config.Mode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/kubernetes, read as Kubernetes would and checked for what matters to a watchdog pod: the fields are known
 * ones (a typo such as {@code livenesProbe} would be silently dropped by an old API server), probes, ports, metrics
 * annotations, a read-only root with a writable lock-file directory, the identity from the downward API, settings
 * the watchdog accepts, and a grace period longer than the drain.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> POD_SPEC_FIELDS = Set.of("terminationGracePeriodSeconds", "securityContext",
            "containers", "volumes", "automountServiceAccountToken", "serviceAccountName", "initContainers");
    private static final Set<String> CONTAINER_FIELDS = Set.of("name", "image", "ports", "env", "livenessProbe",
            "readinessProbe", "startupProbe", "resources", "securityContext", "volumeMounts", "args", "command",
            "imagePullPolicy");
    private static final Set<String> WATCHDOG_VARIABLES = Set.of("mode", "fprocess", "function_process", "port",
            "metrics_port", "upstream_url", "http_upstream_url", "read_timeout", "write_timeout", "exec_timeout",
            "healthcheck_interval", "content_type", "static_path", "static_spa", "static_cache_control", "suppress_lock",
            "http_buffer_req_body", "buffer_http", "max_inflight", "prefix_logs", "log_buffer_size", "log_callid",
            "log_format", "ready_path", "jwt_auth", "jwt_auth_debug", "jwt_auth_local", "jwt_auth_issuer_url",
            "OPENFAAS_NAME", "OPENFAAS_NAMESPACE", "TMPDIR");

    static Stream<Path> manifests() throws IOException {
        return Files.list(Path.of("deploy", "kubernetes")).filter(path -> path.toString().endsWith(".yaml")).sorted();
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                documents.add(iterator.next());
            }
        }
        return documents;
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void deploymentAndServiceFitTheWatchdog(Path file) throws IOException {
        List<JsonNode> documents = documents(file);
        JsonNode deployment = only(documents, "apps/v1", "Deployment");
        JsonNode service = only(documents, "v1", "Service");
        JsonNode template = deployment.at("/spec/template");
        Map<String, String> podLabels = strings(template.at("/metadata/labels"));
        strings(deployment.at("/spec/selector/matchLabels")).forEach((key, value) ->
                assertEquals(value, podLabels.get(key), "the selector matches the pod labels"));

        JsonNode pod = template.get("spec");
        pod.fieldNames().forEachRemaining(field -> assertTrue(POD_SPEC_FIELDS.contains(field), "pod spec field " + field));
        assertEquals(1, pod.get("containers").size());
        JsonNode container = pod.get("containers").get(0);
        container.fieldNames().forEachRemaining(field ->
                assertTrue(CONTAINER_FIELDS.contains(field), "container field " + field));

        Map<String, Integer> ports = new HashMap<>();
        container.get("ports").forEach(port -> ports.put(port.get("name").asText(), port.get("containerPort").asInt()));
        assertEquals(Map.of("http", 8080, "metrics", 8081), ports);
        assertProbe(container.get("livenessProbe"), "/_/health", ports);
        assertProbe(container.get("readinessProbe"), "/_/ready", ports);

        JsonNode annotations = template.at("/metadata/annotations");
        assertEquals("true", annotations.get("prometheus.io/scrape").asText());
        assertEquals("8081", annotations.get("prometheus.io/port").asText());
        assertEquals("/metrics", annotations.get("prometheus.io/path").asText());

        assertFalse(container.at("/resources/requests/cpu").isMissingNode(), "cpu request");
        assertFalse(container.at("/resources/requests/memory").isMissingNode(), "memory request");
        assertFalse(container.at("/resources/limits/memory").isMissingNode(), "memory limit");
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());

        Map<String, JsonNode> env = new HashMap<>();
        container.get("env").forEach(variable -> env.put(variable.get("name").asText(), variable));
        env.keySet().forEach(name -> assertTrue(WATCHDOG_VARIABLES.contains(name), "unknown variable " + name));
        Map<String, String> values = new HashMap<>();
        env.forEach((name, variable) -> {
            if (variable.has("value")) {
                values.put(name, variable.get("value").asText());
            } else {
                assertNotNull(variable.get("valueFrom"), name + " has a value or valueFrom");
            }
        });
        Mode mode = Mode.parse(values.get("mode"));
        if (mode != Mode.STATIC) {
            assertTrue(values.containsKey("fprocess"), "fprocess is set");
        }
        if (mode == Mode.HTTP) {
            assertTrue(values.get("upstream_url").startsWith("http://127.0.0.1:"), "the function server is local");
        }
        assertEquals("metadata.labels['faas_function']", env.get("OPENFAAS_NAME").at("/valueFrom/fieldRef/fieldPath").asText());
        assertTrue(podLabels.containsKey("faas_function"), "the label OPENFAAS_NAME is read from");
        assertEquals("metadata.namespace", env.get("OPENFAAS_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText());

        // The lock file goes to $TMPDIR: it must be a writable emptyDir on a read-only root.
        String tmpDir = values.getOrDefault("TMPDIR", "/tmp");
        Set<String> emptyDirs = new HashSet<>();
        pod.get("volumes").forEach(volume -> {
            if (volume.has("emptyDir")) {
                emptyDirs.add(volume.get("name").asText());
            }
        });
        boolean lockDirWritable = false;
        for (JsonNode mount : container.get("volumeMounts")) {
            lockDirWritable |= mount.get("mountPath").asText().equals(tmpDir) && emptyDirs.contains(mount.get("name").asText());
        }
        assertTrue(lockDirWritable, "an emptyDir is mounted at " + tmpDir);

        Duration writeTimeout = Durations.parse("write_timeout", values.getOrDefault("write_timeout", "30s"));
        Duration interval = values.containsKey("healthcheck_interval")
                ? Durations.parse("healthcheck_interval", values.get("healthcheck_interval")) : writeTimeout;
        Duration drain = interval.plus(writeTimeout).plusSeconds(5);
        long grace = pod.get("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > drain.toSeconds(), "grace " + grace + " s must exceed " + drain.toSeconds() + " s");
        values.forEach((name, value) -> {
            if (name.endsWith("_timeout") || name.equals("healthcheck_interval")) {
                Durations.parse(name, value);
            }
        });

        assertEquals(strings(service.at("/spec/selector")), strings(deployment.at("/spec/selector/matchLabels")));
        service.at("/spec/ports").forEach(port -> assertTrue(ports.containsKey(port.get("targetPort").asText()),
                "service port targets a container port: " + port));
    }

    private static void assertProbe(JsonNode probe, String path, Map<String, Integer> ports) {
        assertNotNull(probe);
        assertEquals(path, probe.at("/httpGet/path").asText());
        JsonNode port = probe.at("/httpGet/port");
        assertEquals(8080, port.isInt() ? port.asInt() : ports.get(port.asText()));
    }

    private static JsonNode only(List<JsonNode> documents, String apiVersion, String kind) {
        List<JsonNode> found = documents.stream().filter(doc -> kind.equals(doc.path("kind").asText())).toList();
        assertEquals(1, found.size(), "one " + kind);
        assertEquals(apiVersion, found.get(0).get("apiVersion").asText());
        return found.get(0);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new HashMap<>();
        object.fields().forEachRemaining(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        return map;
    }
}
