using Livechat.Server.Data;
using Livechat.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

/// <summary>Who may see a livechat room (<c>rooms.info</c>, <c>chat.syncMessages</c>; livechat-endpoints §4.5).</summary>
public static class RoomAccess
{
    public static async Task<bool> CanViewAsync(LivechatDb db, PermissionStore permissions, CurrentUser caller, LivechatRoom room,
        CancellationToken ct)
    {
        if (room.ServedById == caller.Id || await permissions.HasAsync(caller, Permissions.ViewLivechatRooms, ct)) return true;
        // Who joined the room (livechat/room.join) sees it as long as they are in it.
        if (await db.RoomMembers.AnyAsync(m => m.RoomId == room.Id && m.UserId == caller.Id, ct)) return true;
        // The queue preview: an open, unserved room for agents of its department (or any agent when it has none).
        return room.Open && room.ServedById is null && await permissions.HasAsync(caller, Permissions.ViewLRoom, ct)
            && (room.DepartmentId is null
                || await db.DepartmentAgents.AnyAsync(a => a.DepartmentId == room.DepartmentId && a.AgentId == caller.Id, ct));
    }
}
