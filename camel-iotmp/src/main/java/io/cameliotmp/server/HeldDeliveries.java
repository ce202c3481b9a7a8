package io.cameliotmp.server;

import java.util.concurrent.CompletionStage;

/** Deliveries of one connection waiting for one stage; counted under the lock of its {@link FlowControl}. */
final class HeldDeliveries {
    final CompletionStage<?> stage;
    int count = 1;
    long weight;
    /** Whether the stage completed and these were subtracted: deliveries counted with them later are done. */
    boolean released;

    HeldDeliveries(CompletionStage<?> stage, long weight) {
        this.stage = stage;
        this.weight = weight;
    }
}
