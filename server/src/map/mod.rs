//! What the map draws that is not campaign state: the basemap shipped with
//! the server, and lines simplified for the zoom they are drawn at (the
//! basemap's coasts, platforms' tracks), so a satcom link carries what a
//! screen can show and no more.

pub mod basemap;
pub mod simplify;
