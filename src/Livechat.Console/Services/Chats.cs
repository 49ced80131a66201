using Livechat.Client;

namespace Livechat.Console.Services;

/// <summary>
/// The left column's data: the waiting chats (Queue) and the agent's open chats (My chats), refreshed every
/// <see cref="Interval"/> while someone is logged in, and at once after an action that changes them (take, close).
/// Components subscribe to <see cref="Changed"/> and render what is here.
/// </summary>
public sealed class Chats(Session session) : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    readonly CancellationTokenSource _stop = new();
    Task? _loop;

    public Inquiry[] Queue { get; private set; } = [];

    public Room[] Mine { get; private set; } = [];

    /// <summary>False until the first answer, so the lists show a skeleton rather than "No chats".</summary>
    public bool Loaded { get; private set; }

    /// <summary>The last refresh's failure ("Reconnecting…" banner), null once the server answers again.</summary>
    public string? Error { get; private set; }

    public event Action? Changed;

    public void Start() => _loop ??= LoopAsync(_stop.Token);

    public async Task RefreshAsync(CancellationToken ct = default)
    {
        if (!session.IsLoggedIn) return;
        try
        {
            var queue = await session.Client.Inquiries.QueuedAsync(page: new PageRequest(Count: 200), cancellationToken: ct);
            var mine = await session.Client.Rooms.ListMineAsync(open: true, new PageRequest(Count: 2000, Sort: ("ts", -1)), ct);
            Queue = [.. queue.Items.OrderBy(i => i.QueuedAt)];
            Mine = [.. mine.Items.Where(r => r.ServedBy?.Id == session.Me?.Id).OrderByDescending(r => r.Lm ?? r.Ts)];
            Error = null;
            Loaded = true;
        }
        catch (LivechatApiException e)
        {
            Error = e.Error;
        }
        catch (HttpRequestException e)
        {
            Error = e.Message;
        }
        Changed?.Invoke();
    }

    public async Task TakeAsync(Inquiry inquiry)
    {
        await session.Client.Inquiries.TakeAsync(inquiry.Id);
        await RefreshAsync();
    }

    async Task LoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            await RefreshAsync(ct);
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
