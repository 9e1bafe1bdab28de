using CollabActors.Protocol;

namespace CollabActors.Tests.Protocol;

/// <summary>A message shared by many connections is encoded once per encoding, whoever asks first and however many ask at once.</summary>
public sealed class PreparedMessageTests
{
    private static PreparedMessage Prepared() => new(new SubscribeReply("docs", "d1", new WireSnapshot(3, "http://sharejs.org/types/JSONv0", """{"n":1}""")));

    [Fact]
    public void Each_encoding_is_made_once_and_its_bytes_are_the_codecs()
    {
        PreparedMessage prepared = Prepared();
        byte[] json = prepared.BytesFor(WireEncoding.Json);
        Assert.Same(json, prepared.BytesFor(WireEncoding.Json));
        Assert.Equal(JsonWireCodec.Instance.Encode(prepared.Message), json);
        Assert.Equal(1, prepared.Encodings);

        byte[] messagePack = prepared.BytesFor(WireEncoding.MessagePack);
        Assert.Same(messagePack, prepared.BytesFor(WireEncoding.MessagePack));
        Assert.Equal(WireCodecs.For(WireEncoding.MessagePack).Encode(prepared.Message), messagePack);
        Assert.Equal(2, prepared.Encodings);
    }

    [Fact]
    public void Connections_asking_at_once_on_many_threads_share_one_encoding()
    {
        const int Threads = 8;
        for (int round = 0; round < 50; round++)
        {
            PreparedMessage prepared = Prepared();
            using var start = new Barrier(Threads);
            var seen = new byte[Threads][];
            Thread[] threads = [.. Enumerable.Range(0, Threads).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                seen[i] = prepared.BytesFor(i % 2 == 0 ? WireEncoding.Json : WireEncoding.MessagePack);
            }))];
            foreach (Thread thread in threads) thread.Start();
            foreach (Thread thread in threads) thread.Join();
            Assert.Equal(2, prepared.Encodings);
            Assert.All(seen.Where((_, i) => i % 2 == 0), bytes => Assert.Same(seen[0], bytes));
            Assert.All(seen.Where((_, i) => i % 2 == 1), bytes => Assert.Same(seen[1], bytes));
        }
    }
}
