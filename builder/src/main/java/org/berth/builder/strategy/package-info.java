/**
 * Build strategies (adapters): Dockerfile, environment files with a Jib content layer, buildpacks.
 */
package org.berth.builder.strategy;
