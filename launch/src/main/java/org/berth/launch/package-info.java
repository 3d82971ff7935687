/**
 * The Launcher SPI and its Docker and Kubernetes back ends: start, status, stop, readiness,
 * hardening, culling and reconciliation.
 *
 * <p>The public API of this module lives in this package; adapters live in sub-packages.
 */
package org.berth.launch;
