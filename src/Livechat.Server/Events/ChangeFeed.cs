using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Livechat.Server.Operations;

namespace Livechat.Server.Events;

/// <summary>
/// Committed changes as a stream: every <see cref="ChangeEvent"/> of this server process after its commit, and on
/// PostgreSQL also those committed by the other server processes on the same database (<see cref="ChangeEvent.Remote"/>).
/// Rolled-back writes never appear. Inject it as a singleton.
/// </summary>
/// <example>
/// A handler per subscription (runs on its own loop; a slow handler delays only itself):
/// <code>
/// using var subscription = feed.Subscribe(async (change, ct) =>
/// {
///     if (change.RoomId == roomId &amp;&amp; change.Type == ChangeTypes.MessageCreated)
///         await SendToClientAsync(change.Message!, ct);
/// });
/// </code>
/// Or as an async stream that ends when <c>ct</c> is cancelled:
/// <code>
/// await foreach (var change in feed.ReadAllAsync(ct)) { … }
/// </code>
/// </example>
/// <remarks>
/// Delivery: every subscriber sees this process's events in the order they were published (commit order as observed by
/// this process). Events from other processes arrive within milliseconds through PostgreSQL LISTEN/NOTIFY, with a
/// catch-up read every couple of seconds for anything a lost notification missed. Per room, a later change has a
/// higher <see cref="ChangeEvent.RoomVersion"/>: keep the room snapshot with the highest version. Each subscription
/// buffers up to <see cref="ChangeFeed.BufferSize"/> events; beyond that its oldest are dropped (and logged), so a stuck
/// subscriber cannot exhaust memory. Authorise every event before forwarding it (room, department, agent and visitor
/// ids are on the event).
/// </remarks>
public interface IChangeFeed
{
    /// <summary>Calls <paramref name="handler"/> for every committed change until the returned subscription is disposed.</summary>
    IDisposable Subscribe(Func<ChangeEvent, CancellationToken, ValueTask> handler);

    /// <summary>Every committed change from now on, until <paramref name="ct"/> is cancelled.</summary>
    IAsyncEnumerable<ChangeEvent> ReadAllAsync(CancellationToken ct);
}

/// <summary>The in-process fan-out behind <see cref="IChangeFeed"/>.</summary>
public sealed partial class ChangeFeed(ILogger<ChangeFeed> logger) : IChangeFeed
{
    public const int BufferSize = 10_000;

    readonly Lock _lock = new();
    Subscription[] _subscriptions = [];

    /// <summary>This process's id in <c>change_events.Origin</c>, so cross-process relays skip their own events.</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    public IDisposable Subscribe(Func<ChangeEvent, CancellationToken, ValueTask> handler)
    {
        var subscription = new Subscription(this);
        subscription.Pump = Task.Run(() => PumpAsync(subscription, handler));
        Add(subscription);
        return subscription;
    }

    public async IAsyncEnumerable<ChangeEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        using var subscription = new Subscription(this);
        Add(subscription);
        while (await subscription.Channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (subscription.Channel.Reader.TryRead(out var change))
            {
                yield return change;
            }
        }
    }

    /// <summary>Hands committed events to every subscriber, in order.</summary>
    public void Publish(IReadOnlyList<ChangeEvent> changes)
    {
        if (changes.Count == 0) return;
        // One lock around the whole batch, so every subscriber sees the same order.
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                foreach (var change in changes)
                {
                    // A full buffer drops its oldest event to take this one.
                    if (subscription.Channel.Reader.Count >= BufferSize) Telemetry.ChangeFeedDropped.Add(1);
                    if (!subscription.Channel.Writer.TryWrite(change)) continue;
                    if (subscription.Channel.Reader.Count >= BufferSize && Interlocked.Exchange(ref subscription.Warned, 1) == 0)
                    {
                        LogOverflow(logger, BufferSize);
                    }
                }
            }
        }
    }

    void Add(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
    }

    void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
        }
        subscription.Channel.Writer.TryComplete();
    }

    async Task PumpAsync(Subscription subscription, Func<ChangeEvent, CancellationToken, ValueTask> handler)
    {
        var ct = subscription.Stopping.Token;
        try
        {
            await foreach (var change in subscription.Channel.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await handler(change, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogHandlerError(logger, e, change.Type, change.Seq);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    sealed class Subscription(ChangeFeed feed) : IDisposable
    {
        public readonly Channel<ChangeEvent> Channel = System.Threading.Channels.Channel.CreateBounded<ChangeEvent>(
            new BoundedChannelOptions(BufferSize) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public readonly CancellationTokenSource Stopping = new();
        public Task? Pump;
        public int Warned;
        int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            feed.Remove(this);
            // Not disposed: the pump may still be reading its token.
            Stopping.Cancel();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change-feed subscriber fell {Size} events behind; its oldest events are being dropped")]
    static partial void LogOverflow(ILogger logger, int size);

    [LoggerMessage(Level = LogLevel.Error, Message = "A change-feed subscriber failed on {Type} #{Seq}")]
    static partial void LogHandlerError(ILogger logger, Exception exception, string type, long seq);
}
