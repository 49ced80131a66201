using System.Text.Json;
using System.Threading.Channels;

namespace Livechat.Client;

/// <summary>
/// A subscription to one stream event: read it with <c>await foreach</c> (one reader) or the <see cref="Received"/>
/// event. It lives across reconnects (the connection subscribes again by itself) until disposed.
/// </summary>
public sealed class RealtimeSubscription<T> : IAsyncEnumerable<T>, IAsyncDisposable, ILocalSubscription
{
    readonly Channel<T> _events = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    readonly Func<StreamEvent, T?> _map;
    readonly Func<RealtimeSubscription<T>, ValueTask> _unsubscribe;

    internal RealtimeSubscription(string stream, string eventName, Task ready, Func<StreamEvent, T?> map,
        Func<RealtimeSubscription<T>, ValueTask> unsubscribe)
    {
        Stream = stream;
        EventName = eventName;
        Ready = ready;
        _map = map;
        _unsubscribe = unsubscribe;
    }

    public string Stream { get; }

    public string EventName { get; }

    /// <summary>Completes when the server accepted the subscription; faults with <see cref="LivechatRealtimeException"/> when it refused it.</summary>
    public Task Ready { get; }

    /// <summary>Raised for each event, on the connection's receive loop (marshal to the UI yourself).</summary>
    public event EventHandler<T>? Received;

    void ILocalSubscription.Deliver(StreamEvent e)
    {
        T? item;
        try
        {
            item = _map(e);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            // An event this client cannot read is skipped; it must not end the connection's receive loop.
            return;
        }
        if (item is null) return;
        // Handlers first: a reader that takes the item from the stream can count on its event having been raised.
        Received?.Invoke(this, item);
        _events.Writer.TryWrite(item);
    }

    void ILocalSubscription.Fail(Exception error) => _events.Writer.TryComplete(error);

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _events.Reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        await _unsubscribe(this).ConfigureAwait(false);
    }
}

internal interface ILocalSubscription
{
    void Deliver(StreamEvent e);

    void Fail(Exception error);
}
