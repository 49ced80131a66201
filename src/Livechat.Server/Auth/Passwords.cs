using System.Security.Cryptography;
using System.Text;
using Livechat.Server.Http;
using Livechat.Server.Users;
using Microsoft.AspNetCore.Identity;

namespace Livechat.Server.Auth;

/// <summary>
/// Passwords are hashed as Meteor sends them pre-hashed: the hex SHA-256 digest of the password goes through
/// ASP.NET Core's PasswordHasher (PBKDF2), so both the plain and the <c>{digest, algorithm}</c> forms verify.
/// </summary>
public static class Passwords
{
    static readonly PasswordHasher<User> Hasher = new();

    public static string Digest(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    public static string Hash(User user, string password) => Hasher.HashPassword(user, Digest(password));

    /// <summary>A hash of a random password, verified when the user is unknown so that both answers cost the same.</summary>
    static readonly Lazy<(User User, string Hash)> Dummy = new(() =>
    {
        var user = new User { Id = "", Username = "", UsernameKey = "", Roles = [], CreatedAt = default, UpdatedAt = default };
        return (user, Hasher.HashPassword(user, Ids.NewSecret()));
    });

    /// <summary>Spends one password verification on nothing: the cost of a wrong password, for a user who does not exist.</summary>
    public static void VerifyDummy(string digest) =>
        _ = Hasher.VerifyHashedPassword(Dummy.Value.User, Dummy.Value.Hash, digest.ToLowerInvariant());

    public static bool Verify(User user, string digest)
    {
        if (user.PasswordHash is null)
        {
            VerifyDummy(digest);
            return false;
        }
        return Hasher.VerifyHashedPassword(user, user.PasswordHash, digest.ToLowerInvariant()) != PasswordVerificationResult.Failed;
    }
}
