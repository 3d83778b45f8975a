/** Node-namespaced ids of server-to-client requests, so a client's answer finds the node that asked. */
package dev.mcpstate.interceptor.internal.route;
