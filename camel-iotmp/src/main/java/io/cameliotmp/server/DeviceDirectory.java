package io.cameliotmp.server;

import java.util.List;
import java.util.Optional;

/**
 * Which member of a cluster holds which device. The server claims an entry when a device is authenticated and
 * releases it when that connection ends; a lookup tells where to forward a call for a device that is not connected
 * here. Shaped like a registration store (add returns what it replaced, remove only the entry one holds): the
 * device's newest connection is the one that counts, so a claim replaces the entry of an older connection, never
 * that of a newer one (whatever order the claims arrive in: a member slow to claim a connection must not end the
 * connection the device made since on another member), and a release never removes a newer claim of another
 * member. Of one member the newer connection has the greater session number; of two members, the later
 * {@linkplain DirectoryEntry#connectedAt() connection time}, which the server takes just after that of the
 * connection the directory names when its own clock reads earlier (so only connections made on two members before
 * either was claimed depend on the members' clocks).
 *
 * <p>Implementations are thread-safe and their methods may block briefly (a replicated write).
 */
public interface DeviceDirectory {

    /**
     * Records that {@code entry.member()} now holds the device, unless the directory names a newer connection of it
     * already: then nothing changes, and the claiming member's connection is the one that goes (the implementation
     * closes it through {@link LocalDevices#replacedElsewhere}, as it closes a connection a newer claim replaced).
     *
     * @return the entry it replaced, or null when the device was not held anywhere or the claim was refused
     */
    DirectoryEntry claim(DirectoryEntry entry);

    /** Removes the entry, unless it was already replaced by a newer claim. */
    void release(DirectoryEntry entry);

    /** Where the device is connected, if anywhere in the cluster. */
    Optional<DirectoryEntry> lookup(DeviceId device);

    /** The devices connected anywhere in the cluster, of one user ({@code null} for all). */
    List<DirectoryEntry> entries(String user);
}
