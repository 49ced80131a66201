using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Settings;

namespace Livechat.Server.Webhooks;

/// <summary>
/// The <c>room.updated</c> webhook: one outbox row per committed room change, when the setting is on. The change
/// interceptor already calls it for every event; the payload and signing land in the webhook step, so it adds nothing yet.
/// </summary>
static class RoomUpdatedWebhook
{
    public static ValueTask<OutboxMessage?> EnqueueAsync(LivechatDb db, ChangeEvent change, SettingsStore settings, CancellationToken ct)
    {
        _ = (db, change, settings, ct);
        return ValueTask.FromResult<OutboxMessage?>(null);
    }
}
