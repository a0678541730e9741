package io.caspian.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * A one-member Hazelcast cluster on 127.0.0.1 and the port given as the argument, run by {@link BenchServers} in a
 * JVM of its own (with the benchmark's class path, so entry processors sent to it load) for the clients of
 * {@link Peers#hazelcast}. Prints {@value #READY} once it accepts clients; stops on SIGTERM.
 */
public final class HazelcastMember {
  static final String READY = "caspian-bench hazelcast member ready";
  static final String CLUSTER = "caspian-bench";

  private HazelcastMember() {}

  public static void main(String[] args) {
    System.setProperty("hazelcast.logging.type", "jdk");
    java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.WARNING);
    Config config = new Config().setClusterName(CLUSTER);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
    config.getNetworkConfig().setPort(Integer.parseInt(args[0])).setPortAutoIncrement(false)
        .getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getNetworkConfig().setPublicAddress("127.0.0.1:" + args[0]);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    config.getJetConfig().setEnabled(false);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    System.out.println(READY + " " + member.getCluster().getLocalMember().getAddress());
  }
}
