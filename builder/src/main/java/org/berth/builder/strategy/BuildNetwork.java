package org.berth.builder.strategy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker network builds run on: one of Berth's own, not the engine's default bridge, so that an
 * operator can write firewall rules for builds alone (the bridge interface has the network's name
 * when it is short enough) and builds do not share a network with anything else. Berth creates it
 * when it is missing, as a bridge with traffic between its containers off; one that an operator
 * made is used as it is.
 */
final class BuildNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(BuildNetwork.class);
  static final String ICC = "com.docker.network.bridge.enable_icc";
  static final String BRIDGE_NAME = "com.docker.network.bridge.name";

  private final DockerClient docker;
  private final String name;

  BuildNetwork(DockerClient docker, String name) {
    this.docker = docker;
    this.name = name;
  }

  /** Creates the network if missing; returns its gateway address (this host, as builds see it). */
  String ensure() {
    Network network;
    try {
      network = docker.inspectNetworkCmd().withNetworkId(name).exec();
    } catch (NotFoundException e) {
      network = create();
    }
    if (network.getIpam() != null && network.getIpam().getConfig() != null) {
      for (Network.Ipam.Config c : network.getIpam().getConfig()) {
        if (c.getGateway() != null && !c.getGateway().isBlank()) {
          return c.getGateway();
        }
      }
    }
    throw new IllegalStateException("the Docker network " + name + " has no gateway address");
  }

  private Network create() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put(ICC, "false");
    if (name.length() <= 15) { // Linux interface names are at most 15 characters
      options.put(BRIDGE_NAME, name);
    }
    try {
      docker
          .createNetworkCmd()
          .withName(name)
          .withDriver("bridge")
          .withCheckDuplicate(true)
          .withOptions(options)
          .withLabels(Map.of("org.berth.network", "builds"))
          .exec();
      LOG.info("created the Docker network {} for builds ({})", name, options);
    } catch (ConflictException e) {
      // made at the same moment by another build or Berth: use it
    }
    return docker.inspectNetworkCmd().withNetworkId(name).exec();
  }
}
