package io.cameliotmp.api;

/** A request body of a media type the API does not take: answered with 415. */
public class UnsupportedMediaTypeException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    public UnsupportedMediaTypeException(String message) {
        super(message);
    }
}
