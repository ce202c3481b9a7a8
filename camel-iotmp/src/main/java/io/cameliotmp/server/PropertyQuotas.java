package io.cameliotmp.server;

import java.nio.charset.StandardCharsets;

/**
 * The property quotas as every {@link PropertyStore} applies them (in memory, in a database, in the cluster's cache):
 * what a property costs, and the refusals, so that a device gets the same answer whichever store keeps its values.
 */
public final class PropertyQuotas {

    private PropertyQuotas() {
    }

    /** What a property costs against the byte quotas: its name in UTF-8 and its PSON-encoded value. */
    public static long cost(String property, byte[] encoded) {
        return property.getBytes(StandardCharsets.UTF_8).length + (long) encoded.length;
    }

    /**
     * Refuses a write that would give a device more than {@code maxProperties} properties or {@code maxBytes} bytes
     * of them.
     *
     * @param replacing  whether the device has the property already (the count does not grow then)
     * @param count      the properties the device has now
     * @param bytesAfter the bytes of the device's properties once written
     * @throws QuotaExceededException for either quota
     */
    public static void checkDevice(String property, boolean replacing, long count, long bytesAfter, int maxProperties,
                                   long maxBytes) {
        if (!replacing && count >= maxProperties) {
            throw new QuotaExceededException(QuotaExceededException.Quota.PROPERTIES,
                    "a device may have " + maxProperties + " properties");
        }
        if (bytesAfter > maxBytes) {
            throw new QuotaExceededException(QuotaExceededException.Quota.PROPERTY_BYTES,
                    "property '" + RefusalLog.shown(property) + "' would take the device's properties to "
                    + bytesAfter + " bytes, more than " + maxBytes);
        }
    }

    /**
     * Refuses a write that would give all the devices of a user more than {@code maxUserBytes} bytes of properties.
     *
     * @throws QuotaExceededException for {@code maxPropertyBytesPerUser}
     */
    public static void checkUser(String property, long bytesAfter, long maxUserBytes) {
        if (bytesAfter > maxUserBytes) {
            throw new QuotaExceededException(QuotaExceededException.Quota.USER_PROPERTY_BYTES,
                    "property '" + RefusalLog.shown(property) + "' would take the properties of the user's "
                    + "devices to " + bytesAfter + " bytes, more than " + maxUserBytes);
        }
    }
}
