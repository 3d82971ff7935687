/**
 * Launch templates and courses: saved specs, per-session links and enrolment by group.
 *
 * <p>The public API of this module lives in this package; adapters live in sub-packages.
 */
package org.berth.templates;
