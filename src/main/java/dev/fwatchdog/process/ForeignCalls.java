package dev.fwatchdog.process;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeForeignAccess;

/**
 * Native image: the downcall shapes {@link LibC} binds, registered at build time (the native profile names this
 * feature), so that the posix_spawn path works in the native executable wherever its C library has every function.
 */
public final class ForeignCalls implements Feature {

    @Override
    public void duringSetup(DuringSetupAccess access) {
        for (LibC.Shape shape : LibC.Shape.values()) {
            RuntimeForeignAccess.registerForDowncall(shape.descriptor, (Object[]) shape.options);
        }
    }
}
