package dev.chatsync.localstack;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Each Spring context of the stack gets event loops of its own. By default every Reactor Netty
 * server in a JVM shares the global loops, and closing one context disposes them, which would take
 * down the other service's server still running in this process.
 */
@Configuration(proxyBeanMethods = false)
public class PrivateNettyResources {

    @Bean
    ReactorResourceFactory privateReactorResources() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        return factory;
    }
}
