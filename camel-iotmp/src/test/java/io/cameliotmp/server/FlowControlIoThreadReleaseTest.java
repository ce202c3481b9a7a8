package io.cameliotmp.server;

import java.util.concurrent.CompletionStage;

/**
 * The same rules for deliveries the I/O thread makes to listeners that only take a sample in (a batching consumer),
 * which are counted in one step once the listener has returned ({@link FlowControl#deliveredOnIoThread}).
 */
class FlowControlIoThreadReleaseTest extends FlowControlReleaseTest {

    @Override
    void deliver(CompletionStage<?> stage, long weight) {
        flow.deliveredOnIoThread(stage, weight);
    }
}
