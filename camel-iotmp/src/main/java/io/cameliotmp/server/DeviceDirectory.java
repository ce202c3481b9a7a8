package io.cameliotmp.server;

import java.util.List;
import java.util.Optional;

/**
 * Which member of a cluster holds which device. The server claims an entry when a device is authenticated and
 * releases it when that connection ends; a lookup tells where to forward a call for a device that is not connected
 * here. Shaped like a registration store (add returns what it replaced, remove only the entry one holds): a claim
 * always wins, because the device's newest connection is the one that counts, and a release never removes a newer
 * claim of another member.
 *
 * <p>Implementations are thread-safe and their methods may block briefly (a replicated write).
 */
public interface DeviceDirectory {

    /**
     * Records that {@code entry.member()} now holds the device.
     *
     * @return the entry it replaced, or null when the device was not held anywhere
     */
    DirectoryEntry claim(DirectoryEntry entry);

    /** Removes the entry, unless it was already replaced by a newer claim. */
    void release(DirectoryEntry entry);

    /** Where the device is connected, if anywhere in the cluster. */
    Optional<DirectoryEntry> lookup(DeviceId device);

    /** The devices connected anywhere in the cluster, of one user ({@code null} for all). */
    List<DirectoryEntry> entries(String user);
}
