package io.cameliotmp.api;

/** A request with a method its path does not take: answered with 405. */
public class MethodNotAllowedException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    public MethodNotAllowedException(String message) {
        super(message);
    }
}
