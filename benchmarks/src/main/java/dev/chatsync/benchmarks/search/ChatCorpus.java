package dev.chatsync.benchmarks.search;

import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The benchmark's messages: words drawn by Zipf's law (a word's frequency falls as 1 / its rank, as in
 * natural text), so that a common word is in a large share of everyone's messages and a rare one in a
 * handful. The most frequent words are real English ones, most of them stop words; the rest of the
 * vocabulary are made-up words of two-letter syllables, distinct after stemming. The same index gives
 * the same text, in the seeded database and in the drained events alike.
 */
final class ChatCorpus {

    // the most frequent words of English text, most frequent first
    private static final List<String> ENGLISH = List.of((
            "the of and to a in is it you that he was for on are with as i his they be at one have this from or had by "
                    + "not word but what some we can out other were all there when up use your how said an each she which do their "
                    + "time if will way about many then them write would like so these her long make thing see him two has look more "
                    + "day could go come did number sound no most people my over know water than call first who may down side been now find")
            .split(" "));
    private static final String[] SYLLABLES = {"ka", "to", "mi", "ru", "na", "po", "li", "fu", "da", "go", "bi", "zu", "ko", "ta", "ni", "vo",
            "ha", "ju", "ro", "wa"};
    private static final int MIN_WORDS = 20;
    private static final int MAX_WORDS = 300;

    private final int vocabulary;
    private final double logVocabulary;

    ChatCorpus(int vocabulary) {
        this.vocabulary = vocabulary;
        this.logVocabulary = Math.log(vocabulary + 1.0);
    }

    /** The word of frequency rank {@code rank}, 1 the most frequent. */
    String word(int rank) {
        if (rank <= ENGLISH.size()) {
            return ENGLISH.get(rank - 1);
        }
        StringBuilder word = new StringBuilder();
        for (int n = rank - ENGLISH.size() + SYLLABLES.length; n > 0; n /= SYLLABLES.length) {
            word.append(SYLLABLES[n % SYLLABLES.length]);
        }
        return word.toString();
    }

    /** The rank of the first made-up word; below it, English. */
    int firstMadeUpRank() {
        return ENGLISH.size() + 1;
    }

    /** Message {@code index}'s content: 20 to 300 words, about 1 KB on average. */
    String message(long index) {
        SplittableRandom random = new SplittableRandom(index * 0x9E3779B97F4A7C15L + 17);
        int words = MIN_WORDS + random.nextInt(MAX_WORDS - MIN_WORDS + 1);
        StringBuilder text = new StringBuilder(words * 7);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(i % 12 == 0 ? ". " : " ");
            }
            // log-uniform over the ranks: P(rank k) is about 1 / (k ln V), Zipf's law with exponent 1
            int rank = (int) Math.min(vocabulary, Math.floor(Math.exp(random.nextDouble() * logVocabulary)));
            text.append(word(Math.max(1, rank)));
        }
        return text.append('.').toString();
    }

    /** The share of messages expected to contain the word of {@code rank}. */
    double shareContaining(int rank) {
        double perDraw = Math.log((rank + 1.0) / rank) / logVocabulary;
        double meanWords = (MIN_WORDS + MAX_WORDS) / 2.0;
        return 1 - Math.pow(1 - perDraw, meanWords);
    }

    /** A fixed stream of choices for the benchmark's own picks (users, queries), apart from the texts. */
    static Random picks() {
        return new Random(20261201L);
    }
}
