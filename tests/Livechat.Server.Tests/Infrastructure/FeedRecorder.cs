using System.Threading.Channels;
using Livechat.Server.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>Records what a server's <see cref="IChangeFeed"/> publishes, for tests to wait on.</summary>
public sealed class FeedRecorder : IDisposable
{
    readonly Channel<ChangeEvent> _events = Channel.CreateUnbounded<ChangeEvent>();
    readonly IDisposable _subscription;
    readonly List<ChangeEvent> _seen = [];

    public FeedRecorder(LivechatServerFactory factory)
    {
        var feed = factory.Services.GetRequiredService<IChangeFeed>();
        _subscription = feed.Subscribe((change, _) =>
        {
            _events.Writer.TryWrite(change);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>The next published event that matches, skipping others; fails after <paramref name="seconds"/>.</summary>
    public async Task<ChangeEvent> NextAsync(Func<ChangeEvent, bool> match, double seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            ChangeEvent change;
            try
            {
                change = await _events.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching change event within {seconds} s; saw: {string.Join(", ", _seen.Select(e => $"{e.Type}@{e.RoomId}"))}");
            }
            _seen.Add(change);
            if (match(change)) return change;
        }
    }

    /// <summary>Every event of <paramref name="roomId"/> published until now (after a short settle).</summary>
    public async Task<List<ChangeEvent>> OfRoomAsync(string roomId, int settleMs = 300)
    {
        await Task.Delay(settleMs);
        while (_events.Reader.TryRead(out var change)) _seen.Add(change);
        return _seen.Where(e => e.RoomId == roomId).ToList();
    }

    public void Dispose() => _subscription.Dispose();
}
