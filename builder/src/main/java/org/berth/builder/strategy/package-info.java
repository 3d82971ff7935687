/** Build strategies (adapters): Dockerfile, environment files with content layers, buildpacks. */
package org.berth.builder.strategy;
