package dev.fwatchdog.mode;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** serializing mode's contract with functions started through the JDK (spawn_through_jdk, and native images on musl). */
@QuarkusTest
@TestProfile(JdkSpawnSerializingTest.Profile.class)
class JdkSpawnSerializingTest extends ForkModeContract {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return throughJdk("serializing");
        }
    }

    @Override
    boolean throughJdk() {
        return true;
    }
}
