package dev.chatsync.ingest;

import java.util.Map;
import java.util.UUID;

import dev.chatsync.testsupport.TestKafka;

/**
 * What most ingest-api ITs stand on: the API on the shared test broker with a topic of its own
 * (so published events can be counted), the test JWKS, and a reader of that topic.
 */
record ApiWithTopic(TestJwks jwks, RunningApi api, EventsTopicReader events) implements AutoCloseable {

    static ApiWithTopic start(String topicPrefix, int partitions, Map<String, String> overrides) {
        String topic = topicPrefix + "-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, partitions);
        TestJwks jwks = new TestJwks();
        RunningApi api = RunningApi.start(TestKafka.shared().bootstrapServers(), topic, jwks, overrides);
        return new ApiWithTopic(jwks, api, new EventsTopicReader(TestKafka.shared().bootstrapServers(), topic));
    }

    @Override
    public void close() {
        events.close();
        api.close();
        jwks.close();
    }
}
