package dev.chatsync.benchmarks.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the benchmark searches for, one kind at a time in turn: a common word (in a large share of
 * everyone's messages), a rare word (in a handful), a phrase of two common words, and a common word
 * without another.
 */
final class QueryMix {

    enum Kind {
        COMMON_WORD("common word"),
        RARE_WORD("rare word"),
        PHRASE("phrase"),
        NEGATION("negation");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    record Query(Kind kind, String q) {
    }

    // English words of the corpus's most frequent that are not stop words: searched for, and frequent
    private static final List<String> COMMON = List.of("time", "people", "water", "number", "day", "sound", "thing", "word");

    private final List<Query> queries = new ArrayList<>();

    QueryMix(ChatCorpus corpus, int vocabulary) {
        int rare = Math.max(corpus.firstMadeUpRank(), (int) (vocabulary * 0.4));
        for (int i = 0; i < COMMON.size(); i++) {
            String word = COMMON.get(i);
            String other = COMMON.get((i + 1) % COMMON.size());
            queries.add(new Query(Kind.COMMON_WORD, word));
            queries.add(new Query(Kind.RARE_WORD, corpus.word(rare + i)));
            queries.add(new Query(Kind.PHRASE, "\"" + word + " " + other + "\""));
            queries.add(new Query(Kind.NEGATION, word + " -" + other));
        }
    }

    /** The {@code n}th query: the kinds in turn, each kind's queries in turn. */
    Query get(int n) {
        return queries.get(n % queries.size());
    }

    /** A query of the given kind, picked at random. */
    Query any(Kind kind, Random random) {
        List<Query> ofKind = queries.stream().filter(query -> query.kind() == kind).toList();
        return ofKind.get(random.nextInt(ofKind.size()));
    }
}
