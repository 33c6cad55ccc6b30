package dev.fwatchdog.mode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * serializing mode's contract (every test of {@link ForkModeContract}) with functions started through the JDK
 * (spawn_through_jdk, and native images on musl).
 */
@QuarkusTest
@TestProfile(ForkModeContract.SerializingThroughJdk.class)
class JdkSpawnSerializingTest extends ForkModeContract {

    @Override
    boolean throughJdk() {
        return true;
    }
}
