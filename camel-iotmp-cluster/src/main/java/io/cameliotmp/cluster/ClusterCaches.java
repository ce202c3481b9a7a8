package io.cameliotmp.cluster;

import org.infinispan.commons.marshall.JavaSerializationMarshaller;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfiguration;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.conflict.MergePolicy;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.partitionhandling.PartitionHandling;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;

/**
 * How the cache manager of an {@link InfinispanCluster} member is set up: its transport on the member's JGroups
 * stack, the only classes it reads from the other members, and the replicated caches the cluster keeps, with what
 * each keeps when a split heals.
 */
final class ClusterCaches {

    static final String DIRECTORY_CACHE = "iotmp-devices";
    static final String PROPERTIES_CACHE = "iotmp-properties";
    static final String PROPERTY_USERS_CACHE = "iotmp-property-users";
    static final String LOCKS_CACHE = "iotmp-locks";
    static final String RETAINED_CACHE = "iotmp-retained";

    private ClusterCaches() {
    }

    /** The member's global configuration: its cluster and name, its JGroups stack, what it reads of the others. */
    static GlobalConfiguration global(ClusterOptions options, JGroupsStack stack) {
        GlobalConfigurationBuilder global = GlobalConfigurationBuilder.defaultClusteredBuilder();
        global.transport().clusterName(options.name()).nodeName(options.memberName())
                .addProperty(JGroupsTransport.CHANNEL_CONFIGURATOR, stack);
        // only these classes are ever read from other members: the directory's records and the tasks' parts
        global.serialization().marshaller(new JavaSerializationMarshaller()).allowList()
                .addRegexps("io\\.cameliotmp\\..*", "java\\.lang\\..*", "java\\.util\\..*",
                        "java\\.net\\.(Inet.*|SocketAddress)",
                        "java\\.math\\..*", "\\[B", "\\[Ljava\\.lang\\.Object;");
        global.cacheContainer().statistics(false);
        return global.build();
    }

    /** Defines the cluster's caches on a manager that has not started yet. */
    static void define(DefaultCacheManager manager) {
        manager.defineConfiguration(DIRECTORY_CACHE, new ConfigurationBuilder().clustering()
                .cacheMode(CacheMode.REPL_SYNC)
                .partitionHandling().whenSplit(PartitionHandling.ALLOW_READ_WRITES)
                .mergePolicy(new NewestHolderWins()).build());
        // After a split heals, Infinispan's default (no merge policy) leaves each member with what its own side
        // wrote: a property set on one side stayed unknown to the other for good. PREFERRED_NON_NULL gives every
        // member one value per key: the one side's where only it wrote, the larger side's where both did. A key is
        // a device, so its properties are merged one by one, the same way (PropertySetsMerged).
        manager.defineConfiguration(PROPERTIES_CACHE, new ConfigurationBuilder().clustering()
                .cacheMode(CacheMode.REPL_SYNC)
                .partitionHandling().whenSplit(PartitionHandling.ALLOW_READ_WRITES)
                .mergePolicy(new PropertySetsMerged()).build());
        // each user's property bytes, counted apart so that a write replicates one device's entry, not the user's
        manager.defineConfiguration(PROPERTY_USERS_CACHE, new ConfigurationBuilder().clustering()
                .cacheMode(CacheMode.REPL_SYNC)
                .partitionHandling().whenSplit(PartitionHandling.ALLOW_READ_WRITES)
                .mergePolicy(MergePolicy.PREFERRED_NON_NULL).build());
        manager.defineConfiguration(LOCKS_CACHE, new ConfigurationBuilder().clustering()
                .cacheMode(CacheMode.REPL_SYNC)
                .partitionHandling().whenSplit(PartitionHandling.ALLOW_READ_WRITES)
                .mergePolicy(MergePolicy.PREFERRED_NON_NULL).build());
        // a joining member receives the entries by Infinispan's state transfer before its cache starts
        manager.defineConfiguration(RETAINED_CACHE, new ConfigurationBuilder().clustering()
                .cacheMode(CacheMode.REPL_SYNC).stateTransfer().awaitInitialTransfer(true)
                .partitionHandling().whenSplit(PartitionHandling.ALLOW_READ_WRITES)
                .mergePolicy(MergePolicy.PREFERRED_NON_NULL).build());
    }
}
