using System.Threading.Channels;
using Livechat.Client;

namespace Livechat.Console.Services;

/// <summary>
/// The left column's data: the waiting chats (Queue) and the agent's open chats (My chats). The agent's
/// <c>rooms-changed</c> updates My chats in place; both lists are refetched when a chat is new to the agent, on a
/// "New chat in queue" notification, after a reconnect, after an action that changes them (take, close), and every
/// <see cref="Interval"/> as a safety net (which also re-reads the user's permissions). Components subscribe to
/// <see cref="Changed"/> and render what is here.
/// </summary>
public sealed class Chats : IAsyncDisposable
{
    /// <summary>The fallback refresh; realtime events refresh at once.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    readonly Session _session;
    readonly CancellationTokenSource _stop = new();
    readonly Channel<bool> _kick = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly List<IAsyncDisposable> _subscriptions = [];
    LivechatRealtime? _wired;
    Task? _loop;

    public Chats(Session session)
    {
        _session = session;
        session.Changed += Wire;
    }

    public Inquiry[] Queue { get; private set; } = [];

    public Room[] Mine { get; private set; } = [];

    /// <summary>False until the first answer, so the lists show a skeleton rather than "No chats".</summary>
    public bool Loaded { get; private set; }

    /// <summary>The last refresh's failure ("Reconnecting…" banner), null once the server answers again.</summary>
    public string? Error { get; private set; }

    public event Action? Changed;

    public void Start() => _loop ??= LoopAsync(_stop.Token);

    /// <summary>Refreshes running now, and the room events heard meanwhile (applied again over the fetched list).</summary>
    int _refreshing;
    readonly List<RoomsChangedEvent> _heardWhileRefreshing = [];

    public async Task RefreshAsync(CancellationToken ct = default)
    {
        if (!_session.IsLoggedIn) return;
        _refreshing++;
        try
        {
            // Every page: the server sends at most API_Upper_Count_Limit (100) a page, and an agent may serve more.
            var client = _session.Client;
            var queue = await Paging.AllAsync((page, c) => client.Inquiries.QueuedAsync(page: page, cancellationToken: c), cancellationToken: ct);
            var mine = await Paging.AllAsync((page, c) => client.Rooms.ListMineAsync(open: true, page, c), sort: ("ts", -1), cancellationToken: ct);
            Queue = [.. queue.DistinctBy(i => i.Id).OrderBy(i => i.QueuedAt)];
            Mine = [.. mine.DistinctBy(r => r.Id).Where(r => r.ServedBy?.Id == _session.Me?.Id).OrderByDescending(r => r.Lm ?? r.Ts)];
            foreach (var heard in _heardWhileRefreshing) Apply(heard);
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
        finally
        {
            if (--_refreshing == 0) _heardWhileRefreshing.Clear();
        }
        Changed?.Invoke();
    }

    /// <summary>
    /// The agent's <c>rooms-changed</c> carries the room: My chats follows it in place, without a refetch (with 1 000
    /// open chats a refetch is ten pages, for every message). A chat new to the agent may have left the queue: that one
    /// refetches both lists.
    /// </summary>
    void OnRoomChanged(RoomsChangedEvent change)
    {
        if (_refreshing > 0) _heardWhileRefreshing.Add(change);
        Apply(change);
        Changed?.Invoke();
        if (change.Action == "inserted") Kick();
    }

    /// <summary>Puts the room in My chats, or takes it out (closed, or served by someone else); an older copy never replaces a newer one.</summary>
    void Apply(RoomsChangedEvent change)
    {
        var room = change.Room;
        if (Array.Find(Mine, r => r.Id == room.Id) is { } current && current.UpdatedAt > room.UpdatedAt) return;
        var others = Mine.Where(r => r.Id != room.Id);
        var mine = change.Action != "removed" && room.IsOpen && room.ServedBy?.Id == _session.Me?.Id;
        Mine = mine ? [.. others.Append(room).OrderByDescending(r => r.Lm ?? r.Ts)] : [.. others];
    }

    public async Task TakeAsync(Inquiry inquiry)
    {
        await _session.Client.Inquiries.TakeAsync(inquiry.Id);
        await RefreshAsync();
    }

    /// <summary>Asks for a refresh soon; refreshes asked for while one runs become one.</summary>
    public void Kick() => _kick.Writer.TryWrite(true);

    /// <summary>Subscribes to the events that change the lists on each new realtime connection (one per login).</summary>
    void Wire()
    {
        if (_session.Realtime == _wired) return;
        foreach (var old in _subscriptions) _ = Session.Release(old);
        _subscriptions.Clear();
        _wired = _session.Realtime;
        if (_wired is not { } realtime || _session.Me is null) return;
        try
        {
            var rooms = realtime.SubscribeRoomsChanged();
            rooms.Received += (_, e) => OnRoomChanged(e);
            var notifications = realtime.SubscribeNotifications();
            notifications.Received += (_, _) => Kick();
            _subscriptions.Add(rooms);
            _subscriptions.Add(notifications);
            realtime.Reconnected += (_, _) => Kick();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // Logged out meanwhile.
        }
        Kick();
    }

    async Task LoopAsync(CancellationToken ct)
    {
        var fallback = false;
        while (!ct.IsCancellationRequested)
        {
            await RefreshAsync(ct);
            _session.EnsureRealtimeConnected();
            // The server publishes no event when an admin changes roles or permissions: the fallback re-reads them.
            if (fallback) await _session.RefreshPermissionsAsync();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(Interval);
            try
            {
                await _kick.Reader.WaitToReadAsync(wait.Token);
                _kick.Reader.TryRead(out _);
                fallback = false;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The fallback interval passed.
                fallback = true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _session.Changed -= Wire;
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
