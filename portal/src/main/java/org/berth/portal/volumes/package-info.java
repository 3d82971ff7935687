/** The volumes domain's adapters: its database store, the git seed source, and user groups. */
package org.berth.portal.volumes;
