DROP TABLE recognition_proposals;
