package io.cameliotmp.device;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;

/**
 * The server did not accept the CONNECT: it answered ERROR (codes per docs/protocol.md §5.1: 1 redirect with the target
 * in
 * the payload, 2 bad credentials, 3 invalid keep-alive, 4 bad encoding; none = generic refusal) or sent something
 * other than the OK that must come next. {@link #answer()} is the message received.
 */
public class IotmpConnectRefusedException extends IotmpErrorException {

    private static final long serialVersionUID = 1L;

    private final transient IotmpMessage answer;

    /** @param answer the message the server sent instead of OK (its code and payload are taken from an ERROR) */
    public IotmpConnectRefusedException(IotmpMessage answer) {
        super(describe(answer), answer.type() == MessageType.ERROR ? answer.parameters() : null,
              answer.type() == MessageType.ERROR ? answer.payload() : null);
        this.answer = answer;
    }

    /** The message the server sent instead of the expected OK. */
    public IotmpMessage answer() {
        return answer;
    }

    private static String describe(IotmpMessage answer) {
        if (answer.type() == MessageType.ERROR) {
            return describe("CONNECT refused with ERROR", answer.parameters(), answer.payload());
        }
        return "CONNECT refused: expected OK, received " + answer;
    }
}
