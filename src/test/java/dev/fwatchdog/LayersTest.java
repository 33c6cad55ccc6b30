package dev.fwatchdog;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The packages are layers (../shared/spec/DESIGN.md, "Layers: who owns what"): route and lifecycle on top, then mode,
 * then upstream, process, health, metrics and auth, then state, then config. An import only ever points down.
 */
class LayersTest {

    private static final JavaClasses WATCHDOG = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.fwatchdog");

    @Test
    void importsPointDown() {
        assertNoViolation(layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("command").definedBy("dev.fwatchdog")
                .layer("route").definedBy("dev.fwatchdog.route..")
                .layer("lifecycle").definedBy("dev.fwatchdog.lifecycle..")
                .layer("mode").definedBy("dev.fwatchdog.mode..")
                .layer("upstream").definedBy("dev.fwatchdog.upstream..")
                .layer("process").definedBy("dev.fwatchdog.process..")
                .layer("health").definedBy("dev.fwatchdog.health..")
                .layer("metrics").definedBy("dev.fwatchdog.metrics..")
                .layer("auth").definedBy("dev.fwatchdog.auth..")
                .layer("state").definedBy("dev.fwatchdog.state..")
                .layer("config").definedBy("dev.fwatchdog.config..")
                .whereLayer("command").mayNotBeAccessedByAnyLayer()
                .whereLayer("route").mayNotBeAccessedByAnyLayer()
                .whereLayer("lifecycle").mayOnlyBeAccessedByLayers("command")
                .whereLayer("mode").mayOnlyBeAccessedByLayers("route", "lifecycle")
                .whereLayer("upstream").mayOnlyBeAccessedByLayers("route", "lifecycle", "mode")
                .whereLayer("process").mayOnlyBeAccessedByLayers("command", "route", "lifecycle", "mode", "upstream")
                .whereLayer("health").mayOnlyBeAccessedByLayers("route", "lifecycle")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("route", "lifecycle")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("route")
                .whereLayer("state").mayOnlyBeAccessedByLayers("route", "lifecycle", "mode", "upstream", "process",
                        "health", "metrics", "auth")
                .whereLayer("config").mayOnlyBeAccessedByLayers("command", "route", "lifecycle", "mode", "upstream",
                        "process", "health", "metrics", "auth", "state"));
    }

    @Test
    void noPackagesImportEachOther() {
        assertNoViolation(slices().matching("dev.fwatchdog.(*)..").should().beFreeOfCycles());
    }

    private static void assertNoViolation(ArchRule rule) {
        EvaluationResult result = rule.evaluate(WATCHDOG);
        assertFalse(result.hasViolation(), result.getFailureReport().toString());
    }
}
