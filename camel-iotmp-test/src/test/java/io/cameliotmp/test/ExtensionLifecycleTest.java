package io.cameliotmp.test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.IotmpConnectRefusedException;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The extensions in test classes as users write them, run here through the JUnit launcher, so that what they leave
 * behind once the class has finished can be checked. The classes below are not run by Surefire on their own (inner
 * classes), only by these tests.
 */
class ExtensionLifecycleTest {

    /** The servers the user's tests ran against, in the order they saw them. */
    static final List<IotmpServer> SEEN = new CopyOnWriteArrayList<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    /** The server of the simulated devices below. */
    @RegisterExtension
    static IotmpServerExtension devicesServer = IotmpServerExtension.withCredentials("demo/*=secret");

    /** The first simulated device of {@link SecondDeviceFailsToBuild}. */
    static final AtomicReference<IotmpDevice> FIRST = new AtomicReference<>();

    /** A set-up that fails in the middle: the second device's options throw, once the first device has started. */
    static class SecondDeviceFailsToBuild {

        @RegisterExtension
        SimulatedDevicesExtension devices = SimulatedDevicesExtension
                .connectingTo("127.0.0.1", () -> devicesServer.port())
                .device("demo", "first", "secret", FIRST::set)
                .device("demo", "second", "secret", device -> {
                }, builder -> {
                    throw new IllegalStateException("no such option");
                });

        @Test
        void neverRuns() {
            SEEN.add(devicesServer.server());
        }
    }

    /** The simulated devices of the classes below, as their resources were declared on them. */
    static final List<IotmpDevice> DECLARED = new CopyOnWriteArrayList<>();

    /** A set-up that fails in the middle: the second device's resources throw, once it has been built. */
    static class SecondDeviceResourcesThrow {

        @RegisterExtension
        SimulatedDevicesExtension devices = SimulatedDevicesExtension
                .connectingTo("127.0.0.1", () -> devicesServer.port())
                .device("demo", "first", "secret", DECLARED::add)
                .device("demo", "second", "secret", device -> {
                    DECLARED.add(device);
                    throw new IllegalStateException("no such resource");
                });

        @Test
        void neverRuns() {
            SEEN.add(devicesServer.server());
        }
    }

    /** A device with no server to connect to: nothing listens on its port. */
    static class NoServer {

        static final int NOTHING_LISTENS = FreePorts.next();

        @RegisterExtension
        SimulatedDevicesExtension devices = SimulatedDevicesExtension
                .connectingTo("127.0.0.1", () -> NOTHING_LISTENS)
                .device("demo", "lonely", "secret", DECLARED::add).waiting(Duration.ofSeconds(1));

        @Test
        void neverRuns() {
            SEEN.add(devicesServer.server());
        }
    }

    /** A test that fails once its device is connected. */
    static class FailingTest {

        @RegisterExtension
        SimulatedDevicesExtension devices = SimulatedDevicesExtension
                .connectingTo("127.0.0.1", () -> devicesServer.port())
                .device("demo", "failing", "secret", DECLARED::add);

        @Test
        void fails() {
            SEEN.add(devicesServer.server());
            throw new AssertionError("the route did something else");
        }
    }

    /** A device whose credential the server refuses, with a wait far longer than a refusal takes. */
    static class RefusedDevice {

        @RegisterExtension
        SimulatedDevicesExtension devices = SimulatedDevicesExtension
                .connectingTo("127.0.0.1", () -> devicesServer.port())
                .device("demo", "refused", "not-the-secret", device -> {
                }).waiting(Duration.ofMinutes(2));

        @Test
        void neverRuns() {
            SEEN.add(devicesServer.server());
        }
    }

    /** A server for the class, with tests in the class and in a nested class. */
    static class StaticServerWithNestedClasses {

        @RegisterExtension
        static IotmpServerExtension server = IotmpServerExtension.withCredentials("demo/*=secret");

        @Test
        void outer() {
            SEEN.add(server.server());
        }

        @Nested
        class Inner {

            @Test
            void inner() {
                SEEN.add(server.server());
            }

            @Nested
            class Innermost {

                @Test
                void innermost() {
                    SEEN.add(server.server());
                }
            }
        }
    }

    /** A server for each test, in the class and in a nested class. */
    static class InstanceServerWithNestedClasses {

        @RegisterExtension
        IotmpServerExtension server = IotmpServerExtension.withCredentials("demo/*=secret");

        @Test
        void outer() {
            SEEN.add(server.server());
        }

        @Nested
        class Inner {

            @Test
            void inner() {
                SEEN.add(server.server());
            }
        }
    }

    /**
     * A nested class inherits its enclosing class's extensions and calls beforeAll again: the extension started a
     * second server, in the place of the first, which its routes had been given the port of and which was never
     * stopped.
     */
    @Test
    void nestedClassesUseTheServerOfTheirEnclosingClassAndEveryServerStops() {
        TestExecutionSummary summary = run(StaticServerWithNestedClasses.class);

        assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(3);
        assertThat(Set.copyOf(SEEN)).hasSize(1);
        assertThat(SEEN).noneMatch(IotmpServer::isRunning);
    }

    @Test
    void anInstanceFieldServesEachTestItsOwnServerAndStopsIt() {
        TestExecutionSummary summary = run(InstanceServerWithNestedClasses.class);

        assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
        assertThat(Set.copyOf(SEEN)).hasSize(2);
        assertThat(SEEN).noneMatch(IotmpServer::isRunning);
    }

    @Test
    void aSetUpThatFailsInTheMiddleFailsTheTestWithTheCauseAndClosesTheDevicesItStarted() {
        TestExecutionSummary summary = run(SecondDeviceFailsToBuild.class);

        assertThat(summary.getTotalFailureCount()).isOne();
        assertThat(summary.getFailures().get(0).getException()).hasMessage("no such option");
        assertThat(SEEN).isEmpty();
        assertThat(FIRST.get().isClosed()).isTrue();
    }

    @Test
    void aRefusedDeviceFailsTheTestAtOnceWithTheServersAnswerNotAfterTheWait() {
        TestExecutionSummary summary = run(RefusedDevice.class);

        assertThat(summary.getTotalFailureCount()).isOne();
        Throwable failure = summary.getFailures().get(0).getException();
        assertThat(failure).hasMessageStartingWith("simulated device demo/refused was refused by the server: ")
                .hasCauseInstanceOf(IotmpConnectRefusedException.class);
        assertThat(SEEN).isEmpty();
    }

    /** The device whose resources threw had been built, with its event loop, but was never closed. */
    @Test
    void aDeviceWhoseResourcesThrowFailsTheTestWithTheCauseAndIsClosed() {
        DECLARED.clear();
        TestExecutionSummary summary = run(SecondDeviceResourcesThrow.class);

        assertThat(summary.getTotalFailureCount()).isOne();
        assertThat(summary.getFailures().get(0).getException()).hasMessage("no such resource");
        assertThat(SEEN).isEmpty();
        assertThat(DECLARED).hasSize(2).allMatch(IotmpDevice::isClosed);
        awaitNoThreadsOf("first", "second");
    }

    @Test
    void aDeviceThatFindsNoServerFailsTheTestAfterTheWaitAndIsClosed() {
        DECLARED.clear();
        TestExecutionSummary summary = run(NoServer.class);

        assertThat(summary.getTotalFailureCount()).isOne();
        assertThat(summary.getFailures().get(0).getException())
                .hasMessage("simulated device demo/lonely did not connect within PT1S");
        assertThat(DECLARED).hasSize(1).allMatch(IotmpDevice::isClosed);
        awaitNoThreadsOf("lonely");
    }

    @Test
    void aFailingTestClosesItsDevicesAndTheNextTestGetsItsOwn() {
        DECLARED.clear();
        assertThat(run(FailingTest.class).getTotalFailureCount()).isOne();
        assertThat(run(FailingTest.class).getTotalFailureCount()).isOne();

        assertThat(SEEN).hasSize(2);
        assertThat(DECLARED).hasSize(2).doesNotHaveDuplicates().allMatch(IotmpDevice::isClosed);
        awaitNoThreadsOf("failing");
    }

    /** The own event loop thread of each simulated device ends once the device is closed. */
    static void awaitNoThreadsOf(String... devices) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .map(Thread::getName).noneMatch(name -> Arrays.stream(devices)
                        .anyMatch(device -> name.startsWith("iotmp-device-" + device + "-"))));
    }

    static TestExecutionSummary run(Class<?> testClass) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request().selectors(selectClass(testClass)).build(), listener);
        return listener.getSummary();
    }

    static String failures(TestExecutionSummary summary) {
        StringBuilder text = new StringBuilder();
        summary.getFailures().forEach(failure -> text.append(failure.getTestIdentifier().getDisplayName())
                .append(": ").append(failure.getException()).append('\n'));
        return text.toString();
    }
}
